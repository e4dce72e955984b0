# Multi-stage build of the chipgraph binary (used by docker-compose.yml).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/chipgraph ./cmd/chipgraph

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/chipgraph /usr/local/bin/chipgraph
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/chipgraph"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
