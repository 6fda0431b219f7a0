/**
 * The demo page (local mode): sign in as anyone, then start calls the way a chat client
 * does — including the one-time authorization popup of per-user providers (SPEC §4, §5).
 */
import { apiRequest, ApiError, byId, errorText, showStatus, stringField, type Json } from './api.js';
import { callMessage, parseMessage } from './messages.js';

const TOKEN_KEY = 'callgate-demo-token';

/** The claims the page shows; read from the token it was given. */
interface DemoIdentity {
  org: string;
  name: string;
  role: string;
  exp: number;
}

/** A call the page is waiting to retry once the provider's authorization completes. */
interface CallRequest {
  isVideoCall: boolean;
  meetingName: string;
}

/** The authorization the page waits for: the popup reports `<provider id>_token`. */
interface PendingAuthorization {
  request: CallRequest;
  messageType: string;
  providerName: string;
}

const signInSection = byId('sign-in');
const signInForm = byId<HTMLFormElement>('sign-in-form');
const signInStatus = byId('sign-in-status');
const chatSection = byId('chat');
const chatTitle = byId('chat-title');
const who = byId('who');
const messages = byId<HTMLOListElement>('messages');
const meetingNameInput = byId<HTMLInputElement>('meeting-name');
const callStatus = byId('call-status');
const videoButton = byId<HTMLButtonElement>('video-call');
const voiceButton = byId<HTMLButtonElement>('voice-call');

let token: string | null = null;
let identity: DemoIdentity | null = null;
let busy = false;
let pending: PendingAuthorization | null = null;
/** Provider names by id, for the words about an authorization popup. */
const providerNames = new Map<string, string>();

function decodeIdentity(jwt: string): DemoIdentity | null {
  try {
    const payload = jwt.split('.')[1] ?? '';
    const json: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    if (json === null || typeof json !== 'object') return null;
    const claims = json as Json;
    const exp = typeof claims['exp'] === 'number' ? claims['exp'] : 0;
    return {
      org: stringField(claims, 'org'),
      name: stringField(claims, 'name'),
      role: stringField(claims, 'role'),
      exp,
    };
  } catch {
    return null;
  }
}

function showSignIn(): void {
  chatSection.hidden = true;
  signInSection.hidden = false;
}

async function showChat(jwt: string, { focus }: { focus: boolean }): Promise<void> {
  const claims = decodeIdentity(jwt);
  if (!claims || claims.exp * 1000 <= Date.now()) {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn();
    return;
  }
  // The session cookie (Path=/calls) lets `/calls/...` links — provider authorization,
  // BigBlueButton joins, the admin page — know who is clicking.
  await apiRequest('POST', '/api/v1/session', { token: jwt });
  const listed = await apiRequest('GET', '/api/v1/providers', { token: jwt });
  for (const provider of Array.isArray(listed['providers']) ? (listed['providers'] as Json[]) : []) {
    providerNames.set(stringField(provider, 'id'), stringField(provider, 'name'));
  }
  token = jwt;
  identity = claims;
  who.textContent = `Signed in as ${claims.name} (${claims.role}) in ${claims.org}.`;
  signInSection.hidden = true;
  chatSection.hidden = false;
  if (focus) chatTitle.focus();
}

const fieldInputs: Record<string, string> = { org: 'org', user_id: 'user-id', name: 'display-name', role: 'role' };

signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(signInForm);
  const body = {
    org: String(data.get('org') ?? '').trim(),
    user_id: String(data.get('user_id') ?? '').trim(),
    name: String(data.get('name') ?? '').trim(),
    role: String(data.get('role') ?? ''),
  };
  showStatus(signInStatus, 'Signing in…');
  void (async () => {
    try {
      const answer = await apiRequest('POST', '/demo/session', { body });
      const jwt = stringField(answer, 'token');
      sessionStorage.setItem(TOKEN_KEY, jwt);
      showStatus(signInStatus, '');
      await showChat(jwt, { focus: true });
    } catch (error) {
      showStatus(signInStatus, errorText(error), 'error');
      const field = error instanceof ApiError ? stringField(error.body, 'field') : '';
      const input = fieldInputs[field];
      if (input) byId(input).focus();
    }
  })();
});

byId('sign-out').addEventListener('click', () => {
  const jwt = token;
  token = null;
  identity = null;
  pending = null;
  sessionStorage.removeItem(TOKEN_KEY);
  messages.replaceChildren();
  showStatus(callStatus, '');
  if (jwt) void apiRequest('DELETE', '/api/v1/session', { token: jwt }).catch(() => undefined);
  showSignIn();
  byId('org').focus();
});

function postMessage(author: string, text: string): void {
  const item = document.createElement('li');
  item.className = 'message';
  const head = document.createElement('p');
  head.className = 'message-head';
  const name = document.createElement('strong');
  name.textContent = author;
  const time = document.createElement('time');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  head.append(name, ' ', time);
  const body = document.createElement('p');
  body.className = 'message-body';
  for (const part of parseMessage(text)) {
    if ('href' in part) {
      const link = document.createElement('a');
      link.href = part.href;
      link.textContent = part.text;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      body.append(link);
    } else {
      body.append(part.text);
    }
  }
  item.append(head, body);
  messages.append(item);
}

async function startCall(request: CallRequest): Promise<void> {
  if (busy || !token) return;
  busy = true;
  chatSection.setAttribute('aria-busy', 'true');
  showStatus(callStatus, request.isVideoCall ? 'Starting a video call…' : 'Starting a voice call…');
  try {
    const answer = await apiRequest('POST', '/api/v1/calls', {
      token,
      body: {
        is_video_call: request.isVideoCall,
        ...(request.meetingName ? { meeting_name: request.meetingName } : {}),
      },
    });
    const isVideoCall = typeof answer['is_video_call'] === 'boolean' ? answer['is_video_call'] : request.isVideoCall;
    postMessage(identity?.name ?? 'You', callMessage(isVideoCall, stringField(answer, 'url')));
    showStatus(callStatus, 'Call link posted.', 'ok');
  } catch (error) {
    if (error instanceof ApiError && error.code === 'PROVIDER_AUTHORIZATION_REQUIRED') {
      const provider = stringField(error.body, 'provider');
      requestAuthorization(request, stringField(error.body, 'authorize_url'), {
        messageType: `${provider}_token`,
        providerName: providerNames.get(provider) ?? provider,
      });
    } else {
      showStatus(callStatus, errorText(error), 'error');
    }
  } finally {
    busy = false;
    chatSection.removeAttribute('aria-busy');
  }
}

/** Opens the provider's authorization popup; the call is retried when it reports success. */
function requestAuthorization(
  request: CallRequest,
  authorizeUrl: string,
  provider: { messageType: string; providerName: string },
): void {
  pending = { request, ...provider };
  const name = provider.providerName;
  const popup = authorizeUrl ? window.open(authorizeUrl, 'callgate-authorization', 'popup,width=640,height=720') : null;
  if (popup) {
    showStatus(
      callStatus,
      `${name} needs your permission first: finish in the window that opened, and the call starts.`,
    );
    return;
  }
  // Popup blocked: offer a link the user can follow themselves.
  callStatus.replaceChildren(`${name} needs your permission first. `);
  const link = document.createElement('a');
  link.href = authorizeUrl;
  link.target = 'callgate-authorization';
  link.textContent = `Authorize ${name}`;
  callStatus.append(link, ', then come back: the call starts by itself.');
  callStatus.dataset['tone'] = 'info';
}

function onAuthorizationMessage(data: unknown): void {
  if (data === null || typeof data !== 'object') return;
  const message = data as Json;
  const waiting = pending;
  if (!waiting || message['type'] !== waiting.messageType) return;
  if (message['value'] === true) {
    pending = null;
    void startCall(waiting.request);
    return;
  }
  // The popup stays open with a retry link; a later success still starts this call.
  const name = waiting.providerName;
  showStatus(
    callStatus,
    `${name} was not connected, so no call was started. Retry in the ${name} window, or start the call again.`,
    'error',
  );
}

// The popup reports on both channels: BroadcastChannel survives a cross-origin detour that
// drops window.opener; postMessage is checked against this page's own origin.
if ('BroadcastChannel' in window) {
  new BroadcastChannel('callgate').addEventListener('message', (event) => onAuthorizationMessage(event.data));
}
window.addEventListener('message', (event) => {
  if (event.origin === window.location.origin) onAuthorizationMessage(event.data);
});

const meetingName = (): string => meetingNameInput.value.trim();
videoButton.addEventListener('click', () => void startCall({ isVideoCall: true, meetingName: meetingName() }));
voiceButton.addEventListener('click', () => void startCall({ isVideoCall: false, meetingName: meetingName() }));

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  showChat(saved, { focus: false }).catch((error: unknown) => {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn();
    showStatus(signInStatus, `Please sign in again: ${errorText(error)}`, 'error');
  });
} else {
  showSignIn();
}
