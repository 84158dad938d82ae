-- Up Migration
-- Reference layer import.

-- Every feature remembers its 0-based position in the imported file, so what the import found about it
-- (repaired, dropped) can be traced back to the record in the file the province delivered. NULL for
-- features loaded before this migration.
ALTER TABLE reference_feature ADD COLUMN source_index integer;

-- A polygon of more than 1,000 vertices (an eco red line, a planning zone) is stored cut into pieces of
-- at most 256 vertices (ST_Subdivide, cut in the equal-area plane of geom_ea): the overlay then clips a
-- parcel against the few small pieces it touches instead of the whole outline, 2 to 17 times faster
-- (npm run bench:layers -- subdivide). The pieces do not overlap, so the areas the rules sum are
-- unchanged; each piece is a row with the feature's class code, attributes and source_index. `piece`
-- numbers them (1…n); NULL for a feature stored whole. The map merges the pieces of a feature back
-- into one shape (server/repositories/layers.ts).
ALTER TABLE reference_feature ADD COLUMN piece integer;
CREATE INDEX reference_feature_pieces ON reference_feature (version_id, source_index) WHERE piece IS NOT NULL;
