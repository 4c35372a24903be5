"""Files a person hands to Tokenworth (``tokenworth import FILE``): provider exports, OTLP
files, bundles from another machine. Each format is recognised from the file's first bytes
(``formats.FORMATS``) and read into events and/or provider figures."""
