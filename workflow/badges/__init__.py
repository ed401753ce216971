"""Party age from the record, party badge rounds (``states.badges``), and their lists."""
