"use client";

import { useEffect } from "react";

import { getMe } from "@/lib/api";
import { getSession, setSession } from "@/lib/auth-store";

/** Confirms a stored token with GET /auth/me once per page load (a 401 clears it in lib/api). */
export function SessionCheck() {
  useEffect(() => {
    const { token } = getSession();
    if (!token) return;
    getMe()
      .then(({ user }) => {
        if (getSession().token === token) setSession({ token, user });
      })
      .catch(() => {
        // Network errors keep the session; lib/api already dropped it on a 401.
      });
  }, []);
  return null;
}
