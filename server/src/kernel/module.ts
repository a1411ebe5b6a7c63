import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { AuditWriter } from './audit/writer.js';
import type { SecretBox } from './crypto/secret-box.js';
import type { Database } from './db/transaction.js';
import type { AdmiralApp } from './http/app-types.js';
import type { RateLimiter } from './http/rate-limit.js';
import type { JobDefinition, JobQueue } from './jobs/queue.js';
import type { Mailer } from './mail/mailer.js';
import type { ResourceDefinition } from './resources/define-resource.js';

export interface PermissionDefinition {
  key: string;
  description: string;
  /** 'site' (default): granted by site roles and API keys. 'platform': meaningful only outside a site (super admins). */
  scope?: 'site' | 'platform';
  /** May be granted with condition 'own' (rows record their owner); resources with an `ownerColumn` set it. */
  ownable?: boolean;
}

/** A catalog entry: the permission, the module that declares it, and its defaults made explicit. */
export interface CatalogPermission {
  key: string;
  description: string;
  module: string;
  scope: 'site' | 'platform';
  ownable: boolean;
}

/** What the kernel hands a module: the only way a module reaches the database, audit and jobs. */
export interface Kernel {
  config: Config;
  db: Database;
  audit: AuditWriter;
  jobs: JobQueue;
  log: FastifyBaseLogger;
  /** Encrypts secrets at rest (TOTP seeds, provider tokens) under the master secret. */
  secrets: SecretBox;
  /** Fixed-window request limits (Redis when REDIS_URL is set, else in this process). */
  rateLimits: RateLimiter;
  /** Outgoing mail: `mail.enqueue(tx, message)` in the transaction of the change that sends it. */
  mail: Mailer;
}

export type RoutesPlugin = (app: AdmiralApp, kernel: Kernel) => void | Promise<void>;

export interface ModuleDefinition {
  name: string;
  /** Drizzle tables the module owns (for the registry and docs; migrations come from schema.ts). */
  tables?: Record<string, unknown>;
  permissions?: PermissionDefinition[];
  /** Declarative CRUD resources: routes, validation, audit, OpenAPI and console metadata from one declaration. */
  resources?: ResourceDefinition[];
  /** Hand-written routes: `platform` under /v1, `tenant` under /v1/sites/{siteId}. */
  routes?: { platform?: RoutesPlugin; tenant?: RoutesPlugin };
  jobs?: JobDefinition[];
}

export function defineModule(definition: ModuleDefinition): ModuleDefinition {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.name)) throw new Error(`module name ${JSON.stringify(definition.name)} must be lower-case kebab`);
  for (const permission of definition.permissions ?? []) {
    if (!/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/.test(permission.key)) {
      throw new Error(`module ${definition.name}: permission key ${JSON.stringify(permission.key)} must look like resource.action`);
    }
  }
  return definition;
}

/** Every permission key the modules declare, including those their resources generate. */
export function permissionCatalog(modules: readonly ModuleDefinition[]): PermissionDefinition[] {
  return permissionCatalogEntries(modules).map(({ key, description }) => ({ key, description }));
}

/** The catalog with each key's module, scope and ownability (what the access module stores and grants from). */
export function permissionCatalogEntries(modules: readonly ModuleDefinition[]): CatalogPermission[] {
  const byKey = new Map<string, CatalogPermission>();
  const add = (module: string, permission: PermissionDefinition) =>
    byKey.set(permission.key, {
      key: permission.key,
      description: permission.description,
      module,
      scope: permission.scope ?? 'site',
      ownable: permission.ownable ?? false,
    });
  for (const module of modules) {
    for (const permission of module.permissions ?? []) add(module.name, permission);
    for (const resource of module.resources ?? []) {
      for (const permission of resource.permissionDefinitions) add(module.name, permission);
    }
  }
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}
