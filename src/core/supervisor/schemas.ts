// zod schemas for what the Supervisor sends back (home-assistant/supervisor supervisor/api/
// backups.py, jobs.py, mounts.py, apps.py, root.py @090ef31e). Parsing happens at the boundary so
// the rest of the code works with checked, typed data. Fields added in later Supervisor releases
// are optional, with the defaults older releases imply.
import * as z from 'zod';

export const envelopeSchema = z.object({
  result: z.enum(['ok', 'error']),
  data: z.unknown().optional(),
  message: z.string().nullish(),
  job_id: z.string().nullish(),
  error_key: z.string().nullish(),
  extra_fields: z.record(z.string(), z.unknown()).nullish(),
});

export const supervisorInfoSchema = z.object({
  supervisor: z.string(),
  homeassistant: z.string().nullish(),
  hostname: z.string().nullish(),
  state: z.string().default('running'),
  timezone: z.string().nullish(),
});
export type SupervisorInfo = z.infer<typeof supervisorInfoSchema>;

const locationSchema = z.string().nullable();

export const backupContentSchema = z.object({
  homeassistant: z.boolean(),
  addons: z.array(z.string()),
  folders: z.array(z.string()),
});

export const locationAttributesSchema = z.record(z.string(), z.object({ protected: z.boolean(), size_bytes: z.number().int().nonnegative() }));

export const backupSchema = z
  .object({
    slug: z.string().min(1),
    name: z.string(),
    date: z.string(),
    type: z.enum(['full', 'partial']),
    size: z.number().default(0),
    size_bytes: z.number().int().nonnegative().optional(),
    location: locationSchema.optional(),
    locations: z.array(locationSchema).optional(),
    protected: z.boolean(),
    location_attributes: locationAttributesSchema.optional(),
    compressed: z.boolean().default(true),
    content: backupContentSchema,
  })
  .transform((b) => ({
    ...b,
    // Older Supervisors report only MiB (`size`, rounded) and a single location; normalise both,
    // and remember that such a size is an estimate that must not be used to check a download.
    size_bytes: b.size_bytes ?? Math.round(b.size * 1024 * 1024),
    size_exact: b.size_bytes !== undefined,
    locations: b.locations ?? [b.location ?? null],
  }));
export type Backup = z.infer<typeof backupSchema> & {
  /**
   * Not the Supervisor's: set by the clients that ask Home Assistant's backup manager, true for its
   * automatic backups of this instance (Core's `with_automatic_settings`). Absent: not known.
   */
  automatic?: boolean;
};

export const backupListSchema = z.object({ backups: z.array(backupSchema) });
export const backupsInfoSchema = z.object({
  backups: z.array(backupSchema),
  days_until_stale: z.number().int().positive().default(30),
});

export const backupDetailsSchema = z
  .object({
    slug: z.string(),
    type: z.enum(['full', 'partial']),
    name: z.string(),
    date: z.string(),
    size: z.number().default(0),
    size_bytes: z.number().optional(),
    compressed: z.boolean().default(true),
    protected: z.boolean(),
    location_attributes: locationAttributesSchema.optional(),
    supervisor_version: z.string().nullish(),
    homeassistant: z.string().nullable(),
    location: locationSchema.optional(),
    locations: z.array(locationSchema).optional(),
    addons: z.array(z.object({ slug: z.string(), name: z.string(), version: z.string().nullish(), size: z.number().nullish() })),
    repositories: z.array(z.string()).default([]),
    folders: z.array(z.string()),
    homeassistant_exclude_database: z.boolean().nullish(),
    extra: z.record(z.string(), z.unknown()).nullish(),
  })
  .transform((b) => ({ ...b, locations: b.locations ?? [b.location ?? null] }));
export type BackupDetails = z.infer<typeof backupDetailsSchema>;

export const jobErrorSchema = z.object({
  type: z.string().nullish(),
  message: z.string(),
  stage: z.string().nullish(),
  error_key: z.string().nullish(),
  extra_fields: z.record(z.string(), z.unknown()).nullish(),
});

export interface Job {
  name: string | null;
  reference: string | null;
  uuid: string;
  progress: number;
  stage: string | null;
  done: boolean | null;
  errors: z.infer<typeof jobErrorSchema>[];
  created?: string | null;
  child_jobs: Job[];
}

export const jobSchema: z.ZodType<Job> = z.lazy(() =>
  z.object({
    name: z.string().nullable(),
    reference: z.string().nullable(),
    uuid: z.string(),
    progress: z.number().default(0),
    stage: z.string().nullable(),
    done: z.boolean().nullable(),
    errors: z.array(jobErrorSchema).default([]),
    created: z.string().nullish(),
    child_jobs: z.array(jobSchema).default([]),
  }),
);

export const jobStartedSchema = z.object({ job_id: z.string(), slug: z.string().optional() });

export const mountSchema = z.object({
  name: z.string(),
  type: z.string(),
  usage: z.string(),
  state: z.string().nullable().optional(),
  server: z.string().optional(),
  read_only: z.boolean().optional(),
});
export type Mount = z.infer<typeof mountSchema>;
export const mountsSchema = z.object({ default_backup_mount: z.string().nullable().optional(), mounts: z.array(mountSchema) });
export type Mounts = z.infer<typeof mountsSchema>;

export const addonSchema = z.object({ slug: z.string(), name: z.string(), version: z.string().nullish(), state: z.string().nullish() });
export type Addon = z.infer<typeof addonSchema>;
export const addonsSchema = z.object({ addons: z.array(addonSchema) });
