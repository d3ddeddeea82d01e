/**
 * A minimal DER encoder for X.509 v3 certificates (RSA keys, SHA256withRSA), for the test kit
 * only. Node can parse and verify certificates (`crypto.X509Certificate`) but not create them, and
 * a dependency (node-forge, pkijs...) would be heavy for a test helper that needs a few fields.
 * Only the encodings used here are implemented (RFC 5280 / X.690 DER).
 *
 * @module
 */
import { sign, type KeyObject } from "node:crypto";

/**
 * What goes into a certificate built by {@link buildCertificatePem}.
 *
 * @example
 * ```ts
 * const spec: CertificateSpec = { serialNumber: randomBytes(16), issuerCommonName: "CA", subjectCommonName: "CA",
 *   notBefore, notAfter, subjectPublicKey: ca.publicKey, issuerPrivateKey: ca.privateKey, isCertificateAuthority: true };
 * ```
 */
export interface CertificateSpec {
  /** Positive serial number, big-endian bytes (at most 20). */
  serialNumber: Buffer;
  /** Common name of the issuer (the subject CN of the signing certificate). */
  issuerCommonName: string;
  /** Common name of this certificate. */
  subjectCommonName: string;
  notBefore: Date;
  notAfter: Date;
  /** The key the certificate certifies. */
  subjectPublicKey: KeyObject;
  /** The issuer's RSA private key, which signs the certificate. */
  issuerPrivateKey: KeyObject;
  /** A CA certificate (basicConstraints cA, keyCertSign) or an end-entity signing certificate. */
  isCertificateAuthority: boolean;
}

const OID_COMMON_NAME = "2.5.4.3";
const OID_SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
const OID_BASIC_CONSTRAINTS = "2.5.29.19";
const OID_KEY_USAGE = "2.5.29.15";

const DER_NULL = Buffer.from([0x05, 0x00]);
const DER_TRUE = Buffer.from([0x01, 0x01, 0xff]);

function encodeLength(length: number): Buffer {
  if (length < 0x80) {
    return Buffer.from([length]);
  }
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) {
    bytes.unshift(rest % 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, ...items);
const set = (...items: Buffer[]): Buffer => tlv(0x31, ...items);
const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);
const explicit = (tagNumber: number, content: Buffer): Buffer => tlv(0xa0 + tagNumber, content);
/** A BIT STRING with `unusedBits` padding bits in its last byte. */
const bitString = (bytes: Buffer, unusedBits = 0): Buffer => tlv(0x03, Buffer.from([unusedBits]), bytes);

/** DER INTEGER from unsigned big-endian bytes: minimal, with a 0x00 pad when the top bit is set. */
function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) {
    start++;
  }
  const trimmed = bytes.subarray(start);
  const needsPad = ((trimmed[0] ?? 0) & 0x80) !== 0;
  return tlv(0x02, needsPad ? Buffer.from([0]) : Buffer.alloc(0), trimmed);
}

function objectIdentifier(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    // Base 128, most significant group first, high bit set on all but the last byte.
    const groups = [arc % 128];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) {
      groups.unshift((value % 128) | 0x80);
    }
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, "") + "Z";
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? tlv(0x17, Buffer.from(digits.slice(2), "ascii"))
    : tlv(0x18, Buffer.from(digits, "ascii"));
}

function name(commonName: string): Buffer {
  return sequence(
    set(sequence(objectIdentifier(OID_COMMON_NAME), tlv(0x0c, Buffer.from(commonName, "utf8")))),
  );
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return sequence(objectIdentifier(oid), ...(critical ? [DER_TRUE] : []), octetString(value));
}

function extensions(isCertificateAuthority: boolean): Buffer {
  // basicConstraints: cA TRUE for the CA; an empty SEQUENCE (cA defaults to FALSE) otherwise.
  const basicConstraints = isCertificateAuthority ? sequence(DER_TRUE) : sequence();
  // keyUsage named bits: keyCertSign(5) + cRLSign(6) = 0x06 with 1 unused bit;
  // digitalSignature(0) = 0x80 with 7 unused bits (DER drops trailing zero bits).
  const keyUsage = isCertificateAuthority
    ? bitString(Buffer.from([0x06]), 1)
    : bitString(Buffer.from([0x80]), 7);
  return explicit(
    3,
    sequence(
      extension(OID_BASIC_CONSTRAINTS, true, basicConstraints),
      extension(OID_KEY_USAGE, true, keyUsage),
    ),
  );
}

/**
 * Build and sign an X.509 v3 certificate, returned as PEM.
 *
 * @example
 * ```ts
 * const ca = generateKeyPairSync("rsa", { modulusLength: 2048 });
 * const pem = buildCertificatePem({
 *   serialNumber: randomBytes(16), issuerCommonName: "Test CA", subjectCommonName: "Test CA",
 *   notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000),
 *   subjectPublicKey: ca.publicKey, issuerPrivateKey: ca.privateKey, isCertificateAuthority: true,
 * });
 * new X509Certificate(pem).verify(ca.publicKey); // true
 * ```
 */
export function buildCertificatePem(spec: CertificateSpec): string {
  const signatureAlgorithm = sequence(objectIdentifier(OID_SHA256_WITH_RSA), DER_NULL);
  const tbsCertificate = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))), // version: v3
    unsignedInteger(spec.serialNumber),
    signatureAlgorithm,
    name(spec.issuerCommonName),
    sequence(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subjectCommonName),
    // SubjectPublicKeyInfo straight from node:crypto: no need to encode RSA keys ourselves.
    spec.subjectPublicKey.export({ type: "spki", format: "der" }),
    extensions(spec.isCertificateAuthority),
  );
  const signature = sign("sha256", tbsCertificate, spec.issuerPrivateKey);
  const der = sequence(tbsCertificate, signatureAlgorithm, bitString(signature));
  const base64 = der.toString("base64");
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}
