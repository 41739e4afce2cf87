"""Steps the build scripts share (read a source, convert, write our layer canonically), each
written once. A build script keeps only its own source's matching rules."""
