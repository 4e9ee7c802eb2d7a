"use client";

import { useEffect } from "react";
import { useRouter } from "next/navigation";

/** Re-renders the page every `ms` while it is mounted (live progress while work runs). */
export function AutoRefresh({ ms = 1500 }: { ms?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), ms);
    return () => clearInterval(timer);
  }, [router, ms]);
  return null;
}
