/** Where a Graph error shows up: the HTTP answer, or a failed status webhook. */
export type GraphErrorType = 'OAuthException' | 'GraphMethodException';

interface ErrorSpec {
  http: number;
  title: string;
  details: string;
  type?: GraphErrorType;
  transient?: boolean;
}

const HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

// Codes, titles and HTTP statuses follow Meta's error-code table (docs/whatsapp-cloud-api.md §2).
// Throttling codes are HTTP 400, not 429, as on the real API: clients must key on `code`.
const TABLE: Record<number, ErrorSpec> = {
  0: { http: 401, title: 'AuthException', details: 'We were unable to authenticate the app user.' },
  1: { http: 400, title: 'API Unknown', details: 'Invalid request or possible server error.', transient: true },
  2: { http: 503, title: 'API Service', details: 'Temporary due to downtime or due to being overloaded.', transient: true },
  3: { http: 500, title: 'API Method', details: 'Capability or permissions issue.' },
  4: { http: 400, title: 'Application request limit reached', details: 'The app has reached its API call rate limit.', transient: true },
  10: { http: 403, title: 'Permission denied', details: 'Permission is either not granted or has been removed.' },
  33: { http: 400, title: 'Parameter value is not valid', details: 'The business phone number has been deleted.' },
  100: { http: 400, title: 'Invalid parameter', details: 'The request included one or more unsupported or misspelled parameters.' },
  190: { http: 401, title: 'Access token has expired', details: 'Your access token has expired.' },
  200: { http: 403, title: 'API Permission', details: 'Permission is either not granted or has been removed.' },
  368: { http: 403, title: 'Temporarily blocked for policies violations', details: 'The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy.' },
  80007: { http: 400, title: 'Rate limit issues', details: 'The WhatsApp Business Account has reached its rate limit.', transient: true },
  130429: { http: 400, title: 'Rate limit hit', details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time.', transient: true },
  130472: { http: 400, title: "User's number is part of an experiment", details: "Message was not sent as part of an experiment." },
  130497: { http: 403, title: 'Business account is restricted from messaging users in this country', details: 'The business is restricted from messaging users in this country.' },
  131000: { http: 500, title: 'Something went wrong', details: 'Message failed to send due to an unknown error.', transient: true },
  131005: { http: 403, title: 'Access denied', details: 'Permission is either not granted or has been removed.' },
  131008: { http: 400, title: 'Required parameter is missing', details: 'The request is missing a required parameter.' },
  131009: { http: 400, title: 'Parameter value is not valid', details: 'One or more parameter values are invalid.' },
  131016: { http: 503, title: 'Service unavailable', details: 'A service is temporarily unavailable.', transient: true },
  131021: { http: 400, title: 'Recipient cannot be sender', details: 'Sender and recipient phone number is the same.' },
  131026: { http: 400, title: 'Message undeliverable', details: 'Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number; the recipient has not accepted the new Terms of Service; the recipient is using an old WhatsApp version.' },
  131030: { http: 400, title: 'Recipient phone number not in allowed list', details: 'Recipient phone number not in allowed list: add the number to the allowed list of the test number.' },
  131031: { http: 403, title: 'Account has been locked', details: 'The business account was locked.' },
  131047: { http: 400, title: 'Re-engagement message', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
  131048: { http: 400, title: 'Spam rate limit hit', details: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number. This may be because too many previous messages were blocked or flagged as spam.' },
  131049: { http: 400, title: 'This message was not delivered to maintain healthy ecosystem engagement.', details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' },
  131050: { http: 400, title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business', details: 'The user has stopped marketing messages from this business.' },
  131051: { http: 400, title: 'Message type unknown', details: 'Message type is currently not supported.' },
  131052: { http: 400, title: 'Media download error', details: 'Unable to download the media sent by the user.' },
  131053: { http: 400, title: 'Media upload error', details: 'Unable to upload the media used in the message.' },
  131056: { http: 400, title: '(Business Account, Consumer Account) pair rate limit hit', details: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.', transient: true },
  131057: { http: 500, title: 'Account in maintenance mode', details: 'Business Account is in maintenance mode (for example a throughput upgrade).', transient: true },
  132000: { http: 400, title: 'Number of parameters does not match the expected number of params', details: 'The number of variable parameter values included in the request did not match the number of variable parameters defined in the template.' },
  132001: { http: 404, title: 'Template does not exist', details: 'The template does not exist in the specified language or the template has not been approved.' },
  132005: { http: 400, title: 'Translated text too long', details: 'Translated text is too long.' },
  132007: { http: 400, title: 'Template format character policy violated', details: 'Template content violates a WhatsApp policy.' },
  132012: { http: 400, title: 'Parameter format does not match format in the created template', details: 'Variable parameter values formatted incorrectly.' },
  132015: { http: 400, title: 'Template is Paused', details: 'Template is paused due to low quality so it cannot be sent in a template message.' },
  132016: { http: 400, title: 'Template is Disabled', details: 'Template has been paused too many times due to low quality and is now permanently disabled.' },
  133010: { http: 400, title: 'Phone number Not Registered', details: 'The phone number is not registered on the WhatsApp Business Platform.' },
  135000: { http: 400, title: 'Generic user error', details: 'Message failed to send because of an unknown error with your request parameters.' },
};

/** True when the simulator knows `code` (fault rules may only use known codes). */
export function isKnownErrorCode(code: number): boolean {
  return code in TABLE;
}

/** HTTP status, title and default details for a known code (unknown codes read as 400 / code 1). */
export function errorSpec(code: number): ErrorSpec {
  return TABLE[code] ?? { http: 400, title: 'API Unknown', details: 'Invalid request or possible server error.' };
}

/** Fields a thrower may set on a Graph error. */
export interface GraphErrorInit {
  details?: string;
  subcode?: number;
  /** Replaces the whole `message` (Graph's own errors do not use the "(#code) title" form). */
  message?: string;
  type?: GraphErrorType;
  http?: number;
  /** Graph-level errors (auth, unknown object) carry no WhatsApp `error_data`. */
  noErrorData?: boolean;
}

/** An error the Cloud API routes throw; the server renders it as the Graph envelope. */
export class GraphError extends Error {
  readonly code: number;
  readonly init: GraphErrorInit;
  constructor(code: number, init: GraphErrorInit = {}) {
    super(init.message ?? `(#${code}) ${errorSpec(code).title}`);
    this.name = 'GraphError';
    this.code = code;
    this.init = init;
  }

  /** The HTTP status this error is answered with. */
  get httpStatus(): number {
    return this.init.http ?? errorSpec(this.code).http;
  }

  /** The `{ error: {...} }` body, with the trace id the response header repeats. */
  toEnvelope(traceId: string): { error: Record<string, unknown> } {
    const spec = errorSpec(this.code);
    return {
      error: {
        message: this.message,
        type: this.init.type ?? spec.type ?? 'OAuthException',
        code: this.code,
        ...(this.init.noErrorData ? {} : { error_data: { messaging_product: 'whatsapp', details: this.init.details ?? spec.details } }),
        ...(this.init.subcode === undefined ? {} : { error_subcode: this.init.subcode }),
        ...(spec.transient ? { is_transient: true } : {}),
        fbtrace_id: traceId,
      },
    };
  }
}

/** Shorthand: a 131008 naming the missing parameter. */
export function missingParam(path: string): GraphError {
  return new GraphError(131008, { details: `The parameter ${path} is required.` });
}

/** Shorthand: a 131009 explaining what is wrong with a value. */
export function invalidParam(details: string): GraphError {
  return new GraphError(131009, { details });
}

/** The object in a failed status webhook's `errors[]` (and in inbound `unsupported` messages). */
export interface AsyncErrorObject {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href?: string;
}

/** Builds the `errors[]` entry Meta puts on failed statuses. */
export function asyncError(code: number, details?: string, withHref = true): AsyncErrorObject {
  const spec = errorSpec(code);
  return { code, title: spec.title, message: spec.title, error_data: { details: details ?? spec.details }, ...(withHref ? { href: HREF } : {}) };
}
