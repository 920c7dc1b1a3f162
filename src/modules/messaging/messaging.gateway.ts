// The port through which domain code talks to WhatsApp. The Cloud API adapter implements it;
// modules never see HTTP, Graph error texts or tokens beyond what they hand over here.

/** Where and as whom to send: one connected business number, secrets already decrypted. */
export interface NumberCredentials {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
  apiBaseUrl: string;
  apiVersion: string;
}

/** A template parameter as the Cloud API takes it. */
export type TemplateParameter =
  | { type: 'text'; text: string; parameter_name?: string }
  | { type: 'payload'; payload: string }
  | { type: 'currency'; currency: { fallback_value: string; code: string; amount_1000: number } }
  | { type: 'date_time'; date_time: { fallback_value: string } }
  | { type: 'image' | 'video' | 'document'; image?: MediaRef; video?: MediaRef; document?: MediaRef & { filename?: string } };

/** Parameters for one template component. */
export interface TemplateComponentParams {
  type: 'header' | 'body' | 'button';
  sub_type?: 'quick_reply' | 'url' | 'copy_code' | 'flow' | 'catalog';
  index?: string;
  parameters: TemplateParameter[];
}

/** Media by uploaded id or by public link (exactly one). */
export interface MediaRef {
  id?: string;
  link?: string;
  caption?: string;
  filename?: string;
}

/** Reply buttons (1–3) or a list (≤ 10 rows). */
export type Interactive =
  | { type: 'button'; header?: { type: 'text'; text: string }; body: { text: string }; footer?: { text: string }; action: { buttons: { type: 'reply'; reply: { id: string; title: string } }[] } }
  | {
      type: 'list';
      header?: { type: 'text'; text: string };
      body: { text: string };
      footer?: { text: string };
      action: { button: string; sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[] };
    };

/** Any message Greenlist sends. */
export type OutboundMessage =
  | { type: 'text'; text: string; previewUrl?: boolean }
  | { type: 'template'; name: string; language: string; components?: TemplateComponentParams[] }
  | { type: 'interactive'; interactive: Interactive }
  | { type: 'image' | 'video' | 'audio' | 'document' | 'sticker'; media: MediaRef }
  | { type: 'reaction'; messageId: string; emoji: string }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string };

/** A send request. `callbackData` is echoed back in every status webhook for this message. */
export interface SendRequest {
  to: string;
  message: OutboundMessage;
  callbackData: string;
  replyToWamid?: string;
}

/** What the Cloud API answered: accepted for processing, not delivered. */
export interface SendResult {
  wamid: string;
  waId: string | undefined;
  /** `accepted`, or `held_for_quality_assessment` (template pacing: maybe later). */
  messageStatus: string;
}

/** A template as listed by the WABA. */
export interface RemoteTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  components: unknown[];
  parameterFormat?: string;
  qualityScore?: string;
}

/** A number's health as the Cloud API reports it. */
export interface NumberInfo {
  displayNumber?: string;
  verifiedName?: string;
  qualityRating?: string;
  throughputLevel?: string;
  messagingLimitTier?: string;
}

/** A Meta-hosted click-to-chat QR code (`message_qrdls`): scanning opens a chat with `prefilledMessage` typed. */
export interface RemoteQrCode {
  code: string;
  prefilledMessage: string;
  /** `https://wa.me/message/{code}`: stable for the life of the code. */
  deepLinkUrl: string;
  /** A temporary URL of the rendered image, when one was asked for. */
  qrImageUrl?: string;
}

/** The operations Greenlist needs from WhatsApp. Failures are AppErrors with a retry class. */
export interface WhatsAppGateway {
  sendMessage(creds: NumberCredentials, req: SendRequest): Promise<SendResult>;
  markRead(creds: NumberCredentials, wamid: string, showTyping?: boolean): Promise<void>;
  listTemplates(creds: NumberCredentials, after?: string): Promise<{ data: RemoteTemplate[]; after: string | undefined }>;
  createTemplate(creds: NumberCredentials, def: { name: string; language: string; category: string; components: unknown[]; parameterFormat?: string }): Promise<{ id: string; status: string; category: string }>;
  deleteTemplate(creds: NumberCredentials, name: string, templateId?: string): Promise<void>;
  uploadMedia(creds: NumberCredentials, file: { bytes: Uint8Array; mimeType: string; filename: string }): Promise<{ id: string }>;
  getNumberInfo(creds: NumberCredentials): Promise<NumberInfo>;
  /** Creates a QR code, or changes the prefilled message of `code` (the code and link stay). */
  upsertQrCode(creds: NumberCredentials, q: { prefilledMessage: string; code?: string; imageFormat?: 'png' | 'svg' }): Promise<RemoteQrCode>;
  /** One QR code, or all of the number's when `code` is absent. */
  listQrCodes(creds: NumberCredentials, code?: string): Promise<RemoteQrCode[]>;
  deleteQrCode(creds: NumberCredentials, code: string): Promise<void>;
}
