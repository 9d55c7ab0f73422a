#!/usr/bin/env bash
# Placeholder until the real-editor harness lands.
exit 0
