import { Migration } from '@mikro-orm/migrations';

export class Migration20261201113424_sql_definitions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "schema_definition" ("name" text not null, "checksum" text not null, "applied_at" timestamptz not null, constraint "schema_definition_pkey" primary key ("name"));`);
    // The service reads it to tell whether the definitions are applied (readiness); only the owner writes it.
    this.addSql(`grant select on schema_definition to samenloop_app;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "schema_definition" cascade;`);
  }

}
