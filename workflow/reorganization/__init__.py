"""Changes of the organization tree: events dated by their decisions, members moving with
their organization (see ``events``)."""
