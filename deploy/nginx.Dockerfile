# The reverse proxy of the compose example: Debian's nginx on the same base image.
ARG BASE=python:3.11-slim
FROM ${BASE}
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light \
 && rm -rf /var/lib/apt/lists/* && rm -f /etc/nginx/sites-enabled/default
COPY nginx.conf /etc/nginx/conf.d/mockfinra.conf
HEALTHCHECK --interval=2s --timeout=3s --retries=30 CMD ["python3", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8400/_mock/ready', timeout=2)"]
ENTRYPOINT ["nginx", "-g", "daemon off;"]
