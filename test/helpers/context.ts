import type { SendContext } from "../../src/backend";
import { UnsupportedFeatureError } from "../../src/errors";

/** A SendContext that throws on unsupported features (the mailer's default). */
export const strict: SendContext = {
  unsupported(feature) {
    throw new UnsupportedFeatureError(feature);
  },
};

/** A SendContext that records unsupported features and carries on (ignoreUnsupportedFeatures). */
export function lenient(): SendContext & { ignored: string[] } {
  const ignored: string[] = [];
  return {
    ignored,
    unsupported(feature) {
      ignored.push(feature);
    },
  };
}
