"""Files in and out: catalog and overlay files, plan files, importers, exports."""
