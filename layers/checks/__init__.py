"""Every rule a layer must keep: validation of one layer against its catalogue entry, GCJ-02
detection, and the rules across layers. Imports only `model` and `geo`; produces findings,
never raises for bad data."""
