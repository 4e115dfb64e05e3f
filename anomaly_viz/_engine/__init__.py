"""The engine: fast paths chosen automatically, each giving the reference's bytes."""
