-- A database per service, owned by the compose file's user (POSTGRES_USER).
CREATE DATABASE chat;
CREATE DATABASE activity;
CREATE DATABASE notification;
