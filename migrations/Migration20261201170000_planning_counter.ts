import { Migration } from '@mikro-orm/migrations';

export class Migration20261201170000_planning_counter extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "visit_planning_counter" ("provider_id" uuid not null, "changes" bigint not null, constraint "visit_planning_counter_pkey" primary key ("provider_id"));`);
    // Raised by every visit write under the providers' planning lock (src/visits/sql/conflicts.ts).
    this.addSql(`grant select, insert, update on visit_planning_counter to samenloop_app;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "visit_planning_counter" cascade;`);
  }

}
