"""What the plans add: overlay geometry (bands, rings, arrows), the overlay builder from recipes,
major-project records and the context frame of neighbouring provinces. May import `io` and below."""
