"""The desk's pages and actions, one module per page (see reale.web.table for the routes)."""
