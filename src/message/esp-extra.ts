/**
 * The type of `espExtra`: the SESv2 request parameters a message may set or replace, checked
 * against the AWS SDK's own input types, with an explicit escape for parameters SES adds later.
 *
 * @module
 */
import type { SendBulkEmailCommandInput, SendEmailCommandInput } from "@aws-sdk/client-sesv2";

/**
 * SESv2 parameters merged last into the request(s) a message makes: the `SendEmail` input, or
 * every `SendBulkEmail` input of a template send (top-level keys replace Mailroom's; the
 * content and the bulk entries built from the message cannot be replaced). Keys and values are
 * the AWS SDK's (`@aws-sdk/client-sesv2`), so they autocomplete and a misspelt key does not
 * compile; for a parameter newer than the SDK you installed, see {@link uncheckedEspExtra}.
 *
 * @example
 * ```ts
 * import type { SesEspExtra } from "mailroom-ses";
 *
 * const extra: SesEspExtra = {
 *   ConfigurationSetName: "NoTracking",
 *   ListManagementOptions: { ContactListName: "Customers", TopicName: "Newsletter" },
 * };
 * ```
 */
export type SesEspExtra = EspExtraPartial<Omit<SendEmailCommandInput, "Content">> &
  EspExtraPartial<Omit<SendBulkEmailCommandInput, "BulkEmailEntries">>;

/**
 * Every key optional at every object level, as send defaults merge `espExtra` deeply (the
 * defaults may give `ListManagementOptions.ContactListName`, the message its `TopicName`);
 * arrays replace, so their items stay whole. Unknown keys are still refused at every level.
 */
type EspExtraPartial<T> = { [K in keyof T]?: EspExtraValue<T[K]> };

/** One value of {@link EspExtraPartial}: objects recursively partial, arrays and scalars whole. */
type EspExtraValue<V> = V extends readonly unknown[] | Uint8Array | Date
  ? V
  : V extends object
    ? EspExtraPartial<V>
    : V;

/** Marks an `espExtra` that skips the key check; exists in types only. */
declare const uncheckedBrand: unique symbol;

/**
 * An `espExtra` whose keys are not checked, made by {@link uncheckedEspExtra}.
 *
 * @example
 * ```ts
 * import { uncheckedEspExtra, type UncheckedEspExtra } from "mailroom-ses";
 *
 * const extra: UncheckedEspExtra = uncheckedEspExtra({ SomeNewSesParameter: true });
 * ```
 */
export interface UncheckedEspExtra {
  /** The brand; no such property exists at run time. */
  readonly [uncheckedBrand]: true;
}

/**
 * What `espExtra` accepts: SESv2 parameters checked against the SDK's types, or an
 * {@link UncheckedEspExtra}.
 *
 * @example
 * ```ts
 * import type { EspExtra } from "mailroom-ses";
 *
 * const extra: EspExtra = { ConfigurationSetName: "NoTracking" };
 * ```
 */
export type EspExtra = SesEspExtra | UncheckedEspExtra;

/**
 * The explicit escape from `espExtra`'s key check, for a parameter SES added after the AWS SDK
 * version you installed: the object is passed to SES as it is (the same object, nothing added),
 * and nothing in it is checked at compile time, so prefer updating `@aws-sdk/client-sesv2` when
 * you can.
 *
 * @param extra - the SESv2 parameters, any keys
 * @example
 * ```ts
 * import { createMailer, amazonSes, uncheckedEspExtra } from "mailroom-ses";
 *
 * const mailer = createMailer({ backend: amazonSes() });
 * await mailer.send({
 *   from: "shop@example.com",
 *   to: "alice@example.com",
 *   subject: "Hi",
 *   text: "Hello",
 *   espExtra: uncheckedEspExtra({ ConfigurationSetName: "NoTracking", SomeNewSesParameter: "on" }),
 * });
 * ```
 */
export function uncheckedEspExtra(extra: Readonly<Record<string, unknown>>): UncheckedEspExtra {
  // The same object: the brand is a compile-time marker, not a property SES would be sent.
  return extra as unknown as UncheckedEspExtra;
}
