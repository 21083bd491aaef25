-- Finds calls that stopped moving: nexaflow died while originating, or Nexafone stopped calling back
-- (the caller hung up at a gather). Only running calls are in this index, so it stays small.
CREATE INDEX call_running_since ON call (updated_at) WHERE status IN ('QUEUED', 'ORIGINATING', 'IN_PROGRESS');
