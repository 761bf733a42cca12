import { sql, type Kysely } from 'kysely';
import { isPostgres } from './helpers.ts';

/**
 * The placement-school distance search reads one index, `partnerships_place`, and nothing else:
 * each partnership carries a copy of its school's position (school_lat, school_lon) and the
 * 0.1° latitude strip it lies in (school_strip = floor((lat + 90) × 10), as
 * `latitudeStrips` in src/shared/places/geo.ts computes it). A search seeks each strip its box
 * crosses and reads only that strip's longitudes, with the partnership's status and provider
 * in the same index entry: its cost follows the partner schools near the candidate, not a
 * worldwide latitude band, and no school row is visited for the distance or the filter.
 *
 * The copies are kept by the database itself (triggers), so every way a partnership is made
 * or a school moves keeps them right. The (lat, lon) index on the schools served only the old
 * search: it goes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('partnerships').addColumn('school_lat', 'double precision').execute();
  await db.schema.alterTable('partnerships').addColumn('school_lon', 'double precision').execute();
  await db.schema.alterTable('partnerships').addColumn('school_strip', 'integer').execute();
  if (isPostgres(db)) {
    await sql`
      create function partnerships_copy_school_place() returns trigger language plpgsql as $$
      begin
        select s.lat, s.lon, floor((s.lat + 90) * 10)::integer
          into new.school_lat, new.school_lon, new.school_strip
          from placement_schools s where s.id = new.school_id;
        return new;
      end $$`.execute(db);
    await sql`
      create trigger partnerships_copy_school_place before insert or update of school_id on partnerships
      for each row execute function partnerships_copy_school_place()`.execute(db);
    await sql`
      create function placement_schools_move_partnerships() returns trigger language plpgsql as $$
      begin
        update partnerships
          set school_lat = new.lat, school_lon = new.lon, school_strip = floor((new.lat + 90) * 10)::integer
          where school_id = new.id;
        return null;
      end $$`.execute(db);
    await sql`
      create trigger placement_schools_move_partnerships after update of lat, lon on placement_schools
      for each row when (old.lat is distinct from new.lat or old.lon is distinct from new.lon)
      execute function placement_schools_move_partnerships()`.execute(db);
  } else {
    // SQLite has no BEFORE trigger that can set NEW's columns: the new row is completed after it is written.
    await sql`
      create trigger partnerships_copy_school_place after insert on partnerships
      begin
        update partnerships
          set (school_lat, school_lon, school_strip) =
            (select s.lat, s.lon, cast((s.lat + 90) * 10 as integer) from placement_schools s where s.id = new.school_id)
          where id = new.id;
      end`.execute(db);
    await sql`
      create trigger partnerships_copy_school_place_on_change after update of school_id on partnerships
      begin
        update partnerships
          set (school_lat, school_lon, school_strip) =
            (select s.lat, s.lon, cast((s.lat + 90) * 10 as integer) from placement_schools s where s.id = new.school_id)
          where id = new.id;
      end`.execute(db);
    await sql`
      create trigger placement_schools_move_partnerships after update of lat, lon on placement_schools
      when old.lat is not new.lat or old.lon is not new.lon
      begin
        update partnerships
          set school_lat = new.lat, school_lon = new.lon, school_strip = cast((new.lat + 90) * 10 as integer)
          where school_id = new.id;
      end`.execute(db);
  }
  // Existing partnerships: the same copy, once.
  const strip = isPostgres(db) ? sql`floor((s.lat + 90) * 10)::integer` : sql`cast((s.lat + 90) * 10 as integer)`;
  await sql`
    update partnerships
      set (school_lat, school_lon, school_strip) =
        (select s.lat, s.lon, ${strip} from placement_schools s where s.id = partnerships.school_id)`.execute(db);
  await db.schema
    .createIndex('partnerships_place')
    .on('partnerships')
    .columns(['school_strip', 'school_lon', 'school_lat', 'status', 'provider_id', 'school_id'])
    .execute();
  await db.schema.dropIndex('placement_schools_lat_lon').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('placement_schools_lat_lon').on('placement_schools').columns(['lat', 'lon']).execute();
  await db.schema.dropIndex('partnerships_place').execute();
  if (isPostgres(db)) {
    await sql`drop trigger placement_schools_move_partnerships on placement_schools`.execute(db);
    await sql`drop trigger partnerships_copy_school_place on partnerships`.execute(db);
    await sql`drop function placement_schools_move_partnerships()`.execute(db);
    await sql`drop function partnerships_copy_school_place()`.execute(db);
  } else {
    await sql`drop trigger placement_schools_move_partnerships`.execute(db);
    await sql`drop trigger partnerships_copy_school_place_on_change`.execute(db);
    await sql`drop trigger partnerships_copy_school_place`.execute(db);
  }
  await db.schema.alterTable('partnerships').dropColumn('school_strip').execute();
  await db.schema.alterTable('partnerships').dropColumn('school_lon').execute();
  await db.schema.alterTable('partnerships').dropColumn('school_lat').execute();
}
