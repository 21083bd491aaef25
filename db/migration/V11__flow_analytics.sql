-- Flow analytics (analytics.FlowAnalytics) count the calls of one revision placed in a time range, then read each
-- one's trail through call_event_by_call. Without this index that range is found through call_flow_created, every
-- revision of the flow read and filtered. Neither column ever changes, so callback updates of call stay HOT.
CREATE INDEX call_revision_created ON call (revision_id, created_at);
