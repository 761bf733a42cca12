import type { Kysely } from 'kysely';
import { serialType } from './helpers.ts';

/**
 * Providers, placement schools and their partnerships. Lists (phases, subjects, modes…) are
 * JSON text, NULL meaning "the provider has not said" — unknown is a real value, never a guess.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('providers')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('slug', 'varchar(120)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('website', 'varchar(500)')
    .addColumn('contact_email', 'varchar(320)')
    .addColumn('status', 'varchar(30)', (c) => c.notNull())
    .addColumn('approved_on', 'varchar(10)')
    .addColumn('status_changed_on', 'varchar(10)')
    .addColumn('listed_periods', 'text')
    .addColumn('coverage', 'text', (c) => c.notNull())
    .addColumn('coverage_note', 'text')
    .addColumn('delivery', 'text')
    .addColumn('placement_approaches', 'text')
    .addColumn('phases', 'text')
    .addColumn('subjects', 'text')
    .addColumn('study_modes', 'text')
    .addColumn('fee_min_pence', 'integer')
    .addColumn('fee_max_pence', 'integer')
    .addColumn('start_months', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('is_sample', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('placement_schools')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('country', 'varchar(2)', (c) => c.notNull())
    .addColumn('town', 'varchar(200)', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('phases', 'text')
    .addColumn('languages', 'text')
    .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
    // name|country|town, normalised: what makes an import re-run change nothing.
    .addColumn('match_key', 'varchar(450)', (c) => c.notNull().unique())
    .addColumn('is_sample', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  // A radius search reads a latitude band first, then longitude, then exact distance.
  await db.schema.createIndex('placement_schools_lat_lon').on('placement_schools').columns(['lat', 'lon']).execute();

  await db.schema
    .createTable('partnerships')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('provider_id', 'integer', (c) => c.notNull().references('providers.id').onDelete('cascade'))
    .addColumn('school_id', 'integer', (c) => c.notNull().references('placement_schools.id').onDelete('cascade'))
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('started_on', 'varchar(10)')
    .addColumn('ended_on', 'varchar(10)')
    .addColumn('is_sample', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('partnerships_provider_school', ['provider_id', 'school_id'])
    .execute();
  await db.schema.createIndex('partnerships_school').on('partnerships').columns(['school_id', 'status']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('partnerships').execute();
  await db.schema.dropTable('placement_schools').execute();
  await db.schema.dropTable('providers').execute();
}
