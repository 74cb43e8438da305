import { Migration } from '@mikro-orm/migrations';

/**
 * Whom the owner of a merged visit agreed to share its themes with (see visit-scope.ts). Visits merged before this
 * migration keep an empty audience: their themes show to the joint visit's lead and to their own owner only, the
 * careful reading of a consent nobody recorded.
 */
export class Migration20261201074558_merge_audience extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "visit" add column "merge_audience" text[] not null default '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "visit" drop column "merge_audience";`);
  }

}
