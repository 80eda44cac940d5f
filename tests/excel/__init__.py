"""The Excel functions (hipaa_xl.udfs and hipaa_xl.excel): parsing, results, errors, declarations."""
