/**
 * The demo page (local mode): sign in as anyone, then start calls the way a chat client
 * does — with callgate's own browser client and its `<callgate-call-button>` element
 * (SPEC §4, §5), so the demo is the client's living example.
 */
import type * as Callgate from '@callgate/client';
import { apiRequest, ApiError, byId, errorText, showStatus, stringField, type Json } from './api.js';
import { callMessage, parseMessage } from './messages.js';

// The client is served by callgate itself, outside these page assets, and loaded at run
// time; importing it registers <callgate-call-button>. Not awaited: the sign-in form works
// meanwhile, and properties set before the element is defined are taken over by it.
const clientModule = '/client/callgate.js';
import(clientModule).catch((error: unknown) => showStatus(byId('sign-in-status'), errorText(error), 'error'));

const TOKEN_KEY = 'callgate-demo-token';

/** The claims the page shows; read from the token it was given. */
interface DemoIdentity {
  org: string;
  name: string;
  role: string;
  exp: number;
}

const signInSection = byId('sign-in');
const signInForm = byId<HTMLFormElement>('sign-in-form');
const signInStatus = byId('sign-in-status');
const chatSection = byId('chat');
const chatTitle = byId('chat-title');
const who = byId('who');
const messages = byId<HTMLOListElement>('messages');
const meetingNameInput = byId<HTMLInputElement>('meeting-name');
const callButton = byId<Callgate.CallButtonElement>('call-button');

let token: string | null = null;
let identity: DemoIdentity | null = null;

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
  // The session cookie (Path=/calls) lets `/calls/...` links — Zoom authorization,
  // BigBlueButton joins, the admin page — know who is clicking.
  await apiRequest('POST', '/api/v1/session', { token: jwt });
  token = jwt;
  identity = claims;
  callButton.getToken = () => token;
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
  callButton.getToken = null;
  sessionStorage.removeItem(TOKEN_KEY);
  messages.replaceChildren();
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

// The element starts the call (and runs any authorization popup); the chat posts the link.
callButton.messages = { posted: () => 'Call link posted.' };
callButton.addEventListener('callgate-call', (event) => {
  event.preventDefault();
  const call = (event as CustomEvent<Callgate.StartedCall>).detail;
  postMessage(identity?.name ?? 'You', callMessage(call.isVideoCall, call.url));
});
meetingNameInput.addEventListener('input', () => (callButton.meetingName = meetingNameInput.value));
callButton.meetingName = meetingNameInput.value;

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
