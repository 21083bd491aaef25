-- Who published which revision, and when: the console's revision history ("who published what"). A publish, a
-- rollback and a create or update with "publish": true each add one row; rows are never changed or removed (the
-- runtime role may only insert and read them: R__grants.sql).
CREATE TABLE flow_publication (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flow_id      uuid        NOT NULL REFERENCES flow (id),
    version      integer     NOT NULL,
    published_by text        NOT NULL,
    published_at timestamptz NOT NULL
);

CREATE INDEX flow_publication_by_flow ON flow_publication (flow_id, id DESC);
