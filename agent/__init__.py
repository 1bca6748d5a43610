"""The program inside the AgentCore container: a streaming Strands agent."""
