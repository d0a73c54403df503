// Deploying a policy as Home Assistant automations that call the Auto Backup integration's services.
export { automationSchema, checkAutomation, conditionSchema, serviceActionSchema, triggerSchema, type Automation } from './automationSchema';
export { PACKAGES_LINE, packagesSetting, withPackagesLine, type PackagesSetting } from './configurationYaml';
export { AUTOMATION_ID_PREFIX, generateAutomations, idPrefixOf, type DeployedAutomation, type GenerateResult } from './generate';
export { PACKAGE_FILE_NAME, PACKAGES_FOLDER, deployedAutomations, hasDrift, packageDrift, withPolicyAutomations, type PackageDrift } from './packageFile';
export { DeployRefusal, scheduleParts, type ScheduleParts } from './scheduleParts';
export { SecretRef, isSecretRef } from './secretRef';
export { SERVICE_DATA_SCHEMAS, serviceCallOf, type Install, type ServiceCall } from './serviceData';
export { AUTO_BACKUP_DOMAIN, REQUIRED_SERVICES, SERVICE_FIELDS, unknownFields, type AutoBackupService } from './serviceFields';
export { keepDaysFor, tiersOf, type Tier, type TierName } from './tiers';
