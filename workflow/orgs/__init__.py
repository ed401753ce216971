"""Organizations through time: identity by date, the events that change the tree,
committee terms and posts."""
