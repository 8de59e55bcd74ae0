"""Storage: SQLModel tables, the engine, the unit of work, repositories and migrations.

The only package that imports sqlmodel, sqlalchemy or alembic. Everything it
hands out is a plain record from `consent.model` / `consent.records`.
"""
