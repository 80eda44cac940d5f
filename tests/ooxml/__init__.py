"""The file format: admission, the package, the calculation properties, OPC and A1."""
