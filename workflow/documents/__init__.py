"""Official documents: drafting, issuing (numbered, frozen), rendering to PDF, verifying."""
