"""The browser map: folium map and its runtime (js/), the published configuration and browser
contract, hashed static assets, feature cards, search, filters and URL/view state. May import
`plans` and below; never `editing` or `printing`."""
