"""Area deprivation indices (England's IMD by LSOA, US SVI/ADI by tract or block group).

- `sources`: the published files read into areas (code, decile, score, rank, shape);
- `partition`: polygons -> disjoint h3 cells, compacted;
- `loading`: `load_deprivation` stores a dataset, replacing an earlier load whole;
- `lookup`: `decile_at(lat, lng)`, one indexed query.

See core/geo/README.md, "Deprivation data".
"""
