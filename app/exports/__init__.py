"""Tables as files to download (CSV, XLSX, GeoJSON), written piece by piece as rows arrive so
that a million rows never sit in memory and the first bytes leave at once."""
