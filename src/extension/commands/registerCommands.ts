// Every command of the extension (package.json `contributes.commands`), one file each in this folder.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { registerApplyAutomaticSettings } from './applyAutomaticSettings';
import { registerCompareWithCurrent } from './compareWithCurrent';
import { registerConnect } from './connect';
import { registerCreateBackup } from './createBackup';
import { registerCreateAutomaticBackup } from './createAutomaticBackup';
import { registerCreateFullBackup } from './createFullBackup';
import { registerCreatePolicyFile } from './createPolicyFile';
import { registerDeleteBackup } from './deleteBackup';
import { registerDeployPolicy } from './deployPolicy';
import { registerDisconnect } from './disconnect';
import { registerDownloadBackup } from './downloadBackup';
import { registerForgetBackupPasswords } from './forgetBackupPasswords';
import { registerPinCommands } from './pinBackup';
import { registerPurgeCommands } from './purgeBackups';
import { registerRefresh } from './refresh';
import { registerRestoreBackup } from './restoreBackup';
import { registerRestoreFile } from './restoreFile';
import { registerRunDuePolicies, registerRunPolicy } from './runPolicy';
import { registerShowFileHistory } from './showFileHistory';
import { registerShowLog } from './showLog';
import { registerTakeAutomaticSettings } from './takeAutomaticSettings';
import { registerUndoEditsSince } from './undoEditsSince';
import { registerUploadBackup } from './uploadBackup';
import { registerVerifyBackup } from './verifyBackup';
import { registerVerifyPart } from './verifyPart';

export function registerCommands(s: Services): vscode.Disposable {
  return vscode.Disposable.from(
    registerConnect(s),
    registerDisconnect(s),
    registerRefresh(s),
    registerCreateBackup(s),
    registerCreateFullBackup(s),
    registerCreateAutomaticBackup(s),
    registerDeleteBackup(s),
    registerDownloadBackup(s),
    registerUploadBackup(s),
    registerRestoreBackup(s),
    ...registerPinCommands(s),
    ...registerPurgeCommands(s),
    registerCreatePolicyFile(s),
    registerRunPolicy(s),
    registerRunDuePolicies(s),
    registerShowLog(s),
    registerCompareWithCurrent(s),
    registerRestoreFile(s),
    registerShowFileHistory(s),
    registerUndoEditsSince(s),
    registerApplyAutomaticSettings(s),
    registerTakeAutomaticSettings(s),
    registerDeployPolicy(s),
    registerVerifyBackup(s),
    registerVerifyPart(s),
    registerForgetBackupPasswords(s),
  );
}
