"use client";

import { useEffect, useState } from "react";

/** True once React has hydrated the form, so it submits through its action (tests wait for it). */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
