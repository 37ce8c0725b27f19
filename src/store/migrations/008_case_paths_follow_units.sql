-- Cases copy their region's and handling unit's paths. Moves of a unit before this
-- version rewrote units.path only, leaving the copies of its subtree's cases behind (the
-- old area kept the cases, the new one did not see them); unit.c now moves them with the
-- units. Copies that differ from their unit's path take the unit's.
UPDATE cases SET region_path = (SELECT u.path FROM units u WHERE u.id = cases.region_id)
 WHERE region_path <> (SELECT u.path FROM units u WHERE u.id = cases.region_id);
UPDATE cases SET handler_path = (SELECT u.path FROM units u WHERE u.id = cases.handler_id)
 WHERE handler_id IS NOT NULL
   AND (handler_path IS NULL
        OR handler_path <> (SELECT u.path FROM units u WHERE u.id = cases.handler_id));
