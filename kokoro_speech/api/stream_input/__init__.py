"""ElevenLabs' stream-input WebSockets, for the voice-agent frameworks that speak them (Pipecat, LiveKit Agents)."""
