"""On PostgreSQL, the text-search vector moves into the document's own row (a column Django
does not manage): a table of its own, referencing the documents, stopped Django's flush
(TRUNCATE) and so every test that empties the database. The texts are read again at the
scheduler's next pass (or `equalfooting search rebuild`)."""

from django.db import migrations

FORWARD = [
    "DROP TABLE IF EXISTS programmes_searchvector",
    "ALTER TABLE programmes_searchdocument ADD COLUMN vector tsvector",
    "CREATE INDEX programmes_searchdocument_vector ON programmes_searchdocument USING gin (vector)",
    # Read again: the vectors were in the dropped table.
    "UPDATE programmes_searchdocument SET read_at = '1970-01-01T00:00:00Z'",
]
BACKWARD = [
    "DROP INDEX IF EXISTS programmes_searchdocument_vector",
    "ALTER TABLE programmes_searchdocument DROP COLUMN IF EXISTS vector",
    "CREATE TABLE programmes_searchvector ("
    "document_id bigint PRIMARY KEY"
    " REFERENCES programmes_searchdocument (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,"
    " vector tsvector NOT NULL)",
    "CREATE INDEX programmes_searchvector_gin ON programmes_searchvector USING gin (vector)",
    "UPDATE programmes_searchdocument SET read_at = '1970-01-01T00:00:00Z'",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("programmes", "0010_search_primary")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
