// Where a deployment writes and what it changes, worked out from the files alone (no connection):
// the config folder is the policy file's folder; configuration.yaml says whether packages are loaded
// and from which folder; the package file is `<that folder>/ha_backups.yaml`. Shared by the Deploy
// command and the drift check, so both look at the same file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  deployedAutomations,
  generateAutomations,
  idPrefixOf,
  packageDrift,
  packagesSetting,
  PACKAGE_FILE_NAME,
  PACKAGES_FOLDER,
  withPackagesLine,
  withPolicyAutomations,
  type DeployedAutomation,
  type Install,
  type PackageDrift,
} from '../../core/autoBackup/deploy';
import type { Policy } from '../../core/policy';

export interface DeployPlan {
  automations: DeployedAutomation[];
  configurationFile: string;
  /** configuration.yaml's new text when the packages line has to be added; undefined when packages already load. */
  configurationText: string | undefined;
  packageFile: string;
  /** The package file's text before (undefined: the file does not exist) and after. */
  packageBefore: string | undefined;
  packageAfter: string;
}

export type PlanResult = { ok: true; plan: DeployPlan } | { ok: false; reason: string };

const read = (file: string): string | undefined => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);

/** The package file that holds (or would hold) the automations, and the configuration.yaml change needed for it. */
export function packageLocation(
  configFolder: string,
): { ok: true; file: string; configurationFile: string; configurationText: string | undefined } | { ok: false; reason: string } {
  const configurationFile = path.join(configFolder, 'configuration.yaml');
  const configuration = read(configurationFile);
  if (configuration === undefined) return { ok: false, reason: `There is no configuration.yaml in ${configFolder}, the folder of the policy file.` };
  const setting = packagesSetting(configuration);
  if (setting.kind === 'unreadable') return { ok: false, reason: `configuration.yaml cannot be read: ${setting.message}` };
  if (setting.kind === 'other') {
    return {
      ok: false,
      reason: `configuration.yaml loads packages another way ("${setting.written}"): the extension writes only into a folder loaded with "packages: !include_dir_named <folder>" under homeassistant:.`,
    };
  }
  if (setting.kind === 'folder') {
    const folder = path.resolve(configFolder, setting.folder);
    if (path.relative(configFolder, folder).startsWith('..'))
      return { ok: false, reason: `configuration.yaml's packages folder "${setting.folder}" is outside the config folder.` };
    return { ok: true, file: path.join(folder, PACKAGE_FILE_NAME), configurationFile, configurationText: undefined };
  }
  try {
    return { ok: true, file: path.join(configFolder, PACKAGES_FOLDER, PACKAGE_FILE_NAME), configurationFile, configurationText: withPackagesLine(configuration) };
  } catch (e) {
    return {
      ok: false,
      reason: `configuration.yaml has no "homeassistant: packages:" and the line cannot be added safely (${e instanceof Error ? e.message : String(e)}): add "packages: !include_dir_named packages" under homeassistant: by hand.`,
    };
  }
}

export function deployPlan(policy: Policy, policyFile: string, install: Install = 'supervisor'): PlanResult {
  const generated = generateAutomations(policy, install);
  if (!generated.ok) return generated;
  const where = packageLocation(path.dirname(policyFile));
  if (!where.ok) return where;
  const packageBefore = read(where.file);
  let packageAfter: string;
  try {
    packageAfter = withPolicyAutomations(
      packageBefore,
      idPrefixOf(policy.name),
      generated.automations.map((a) => a.automation),
    );
  } catch (e) {
    return { ok: false, reason: `${path.basename(where.file)}: ${e instanceof Error ? e.message : String(e)}` };
  }
  return {
    ok: true,
    plan: {
      automations: generated.automations,
      configurationFile: where.configurationFile,
      configurationText: where.configurationText,
      packageFile: where.file,
      packageBefore,
      packageAfter,
    },
  };
}

export type DriftResult = { kind: 'in-sync' } | { kind: 'drift'; drift: PackageDrift; packageFile: string } | { kind: 'problem'; reason: string };

/** The policy against the automations in the package file now. */
export function driftOf(policy: Policy, policyFile: string): DriftResult {
  const generated = generateAutomations(policy);
  if (!generated.ok) return { kind: 'problem', reason: generated.reason };
  const where = packageLocation(path.dirname(policyFile));
  if (!where.ok) return { kind: 'problem', reason: where.reason };
  if (where.configurationText !== undefined) {
    return { kind: 'problem', reason: 'configuration.yaml has no "homeassistant: packages:", so Home Assistant does not load the automations of this policy.' };
  }
  const prefix = idPrefixOf(policy.name);
  const text = read(where.file) ?? '';
  const deployed = deployedAutomations(text, prefix);
  if (typeof deployed === 'string') return { kind: 'problem', reason: `${path.basename(where.file)}: ${deployed}` };
  const drift = packageDrift(
    generated.automations.map((a) => a.automation),
    deployed,
  );
  return drift.missing.length + drift.changed.length + drift.extra.length ? { kind: 'drift', drift, packageFile: where.file } : { kind: 'in-sync' };
}
