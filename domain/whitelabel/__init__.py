"""The white-label catalogue synced from a bucket: layout, scan, diff, sync, public reads."""
