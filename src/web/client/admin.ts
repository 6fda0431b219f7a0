/**
 * The admin settings page: provider choice, Jitsi server, connection test (adminSettings),
 * calls per day (adminStats) and audit log (adminAudit). Its API calls use a page token good
 * only for this page's calls, for at most 15 minutes; members get a read-only view.
 */
import { ApiError, byId, errorText, showStatus } from './api.js';
import { loadAudit } from './adminAudit.js';
import { isAdmin } from './adminShared.js';
import { loadSettings, wireSettingsForms } from './adminSettings.js';
import { loadStats } from './adminStats.js';

const loadStatus = byId('load-status');

async function refreshAfterChange(): Promise<void> {
  await Promise.all([loadSettings(), loadAudit()]);
}

async function start(): Promise<void> {
  showStatus(loadStatus, 'Loading settings…');
  try {
    await loadSettings();
    showStatus(loadStatus, '');
  } catch (error) {
    const signIn = error instanceof ApiError && error.status === 401 ? ' Sign in again, then reload this page.' : '';
    showStatus(loadStatus, `Could not load the settings: ${errorText(error)}${signIn}`, 'error');
    return;
  }
  if (isAdmin) await Promise.all([loadStats(), loadAudit()]);
}

wireSettingsForms(refreshAfterChange);
void start();
