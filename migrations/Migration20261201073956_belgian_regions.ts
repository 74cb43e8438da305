import { Migration } from '@mikro-orm/migrations';

/**
 * Belgian locations carry their region (from the postcode; the rule is belgianRegionOf in
 * src/providers/identifiers.ts): Zorginspectie's reach and routing follow it. Locations registered before this
 * migration get the region their postcode gives; Walloon ones stay, outside everyone's reach.
 */
export class Migration20261201073956_belgian_regions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "location" add column "region" text check ("region" in ('FLANDERS', 'BRUSSELS', 'WALLONIA')) null;`);
    this.addSql(`update location set region = case
        when postcode::int between 1000 and 1299 then 'BRUSSELS'
        when postcode::int between 1300 and 1499 or postcode::int between 4000 and 7999 then 'WALLONIA'
        else 'FLANDERS' end
      where country = 'BE';`);
    this.addSql(`alter table "location" add constraint location_belgian_region check((country = 'BE') = (region is not null));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "location" drop constraint location_belgian_region;`);
    this.addSql(`alter table "location" drop column "region";`);
  }

}
