/** Version of the analytics rules; stored with every result so numbers can be traced to rules. */
export const ENGINE_VERSION = '2.19.0';
