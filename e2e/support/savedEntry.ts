import type { Page } from 'playwright-core';

/**
 * The app's saved entry under `key` (the text idb-keyval keeps in IndexedDB; undefined when there
 * is none), once the app has written what it holds back: its writes are batched while the user
 * types and flushed when the page is left, so this leaves it (a pagehide) and reads after the
 * flush, whose writes IndexedDB orders before a read begun later.
 */
export function savedEntry(page: Page, key: string): Promise<string | undefined> {
  return page.evaluate(
    (key) =>
      new Promise<string | undefined>((resolve, reject) => {
        dispatchEvent(new Event('pagehide'));
        const open = indexedDB.open('keyval-store');
        open.onupgradeneeded = () => open.result.createObjectStore('keyval');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('keyval').objectStore('keyval').get(key);
          get.onsuccess = () => resolve(get.result as string | undefined);
          get.onerror = () => reject(get.error);
        };
      }),
    key,
  );
}
