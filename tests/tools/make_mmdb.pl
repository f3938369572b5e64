#!/usr/bin/env perl
# SPDX-License-Identifier: MIT
#
# Writes the GeoIP test databases used by tests/unit/geoip_test.cpp into the directory given as
# the only argument (created if missing). Run at test time: nothing generated is committed.
#
# Every database uses the documentation ranges 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 and
# 2001:db8::/32, which MaxMind::DB::Writer silently drops unless remove_reserved_networks => 0
# (integrations.md §1.5), plus a block of /24s in 45.0.0.0/16 so the search trees have some size.
# With the default merge strategy the last insert wins, so broad networks go first.
#
# Files (all layouts are detected by the reader from metadata and keys, not from these names):
#   GeoLite2-City.mmdb          IPv6 tree, record size 24, MaxMind city layout (non-ASCII city)
#   GeoLite2-Country.mmdb       IPv6 tree, record size 28, MaxMind country layout
#   GeoLite2-ASN.mmdb           IPv6 tree, record size 32, ASN layout (one network without org)
#   country-rs24/28/32.mmdb     the same country data at record sizes 24, 28 and 32
#                               (the country data also holds trap networks, see below)
#   ipv4-only.mmdb              ip_version 4, MaxMind country layout (IPv6 lookups → error 11)
#   no-alias.mmdb               IPv6 tree without alias_ipv6_to_ipv4 (::ffff:a.b.c.d finds nothing)
#   flat-country.mmdb           ip-location-db layout: flat country_code only
#   flat-city.mmdb              ip-location-db city layout: flat country_code, city, latitude ...
#   anonymous-ip.mmdb           a database with none of the keys trailwatch reads
#   corrupt.mmdb                GeoLite2-Country.mmdb cut in half (metadata gone)
#   not-an-mmdb.mmdb            a text file
#   empty.mmdb                  zero bytes
use strict;
use warnings;
use utf8;

use MaxMind::DB::Writer::Tree;

my $dir = shift @ARGV or die "usage: $0 OUTPUT_DIR\n";
-d $dir or mkdir $dir or die "$dir: $!\n";

# Types are chosen per key name wherever the key occurs (integrations.md §1.5).
my %type_of = (
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
    city                           => 'map',
    continent                      => 'map',
    code                           => 'utf8_string',
    country                        => 'map',
    country_code                   => 'utf8_string',
    en                             => 'utf8_string',
    de                             => 'utf8_string',
    is_anonymous                   => 'boolean',
    iso_code                       => 'utf8_string',
    latitude                       => 'double',
    longitude                      => 'double',
    names                          => 'map',
    registered_country             => 'map',
    state1                         => 'utf8_string',
);

# The flat city layout has `city` as a string, which the per-key callback cannot express next to
# the MaxMind `city` map, so it gets its own table.
my %flat_type_of = (%type_of, city => 'utf8_string');

sub write_db {
    my (%args) = @_;
    my $types = $args{types} // \%type_of;
    my $tree  = MaxMind::DB::Writer::Tree->new(
        ip_version               => $args{ip_version} // 6,
        record_size              => $args{record_size} // 24,
        database_type            => $args{type},
        languages                => ['en'],
        description              => { en => "trailwatch test $args{type}" },
        map_key_type_callback    => sub { $types->{ $_[0] } // die "no type for key $_[0]\n" },
        remove_reserved_networks => 0,                                 # documentation ranges
        alias_ipv6_to_ipv4       => $args{alias} // (($args{ip_version} // 6) == 6),
    );
    for my $network (@{ $args{networks} }) {
        $tree->insert_network(@$network);
    }
    my $file = "$dir/$args{file}";
    open my $fh, '>:raw', $file or die "$file: $!\n";
    $tree->write_tree($fh);
    close $fh or die "$file: $!\n";
}

sub country {
    my ($iso, $name) = @_;
    return { iso_code => $iso, names => { en => $name } };
}

# 45.0.N.0/24 for N in 0..63: country alternates so neighbouring records differ.
sub filler {
    my ($make) = @_;
    return map { [ "45.0.$_.0/24", $make->($_) ] } 0 .. 63;
}

my @country_networks = (
    filler(sub { +{ country => ($_[0] % 2 ? country('FR', 'France') : country('DE', 'Germany')) } }),
    [ '198.51.100.0/24', { country => country('NL', 'Netherlands') } ],
    [ '203.0.113.0/24',  { country => country('BR', 'Brazil') } ],
    # Only registered_country: readers fall back to it.
    [ '192.0.2.0/24', { registered_country => country('US', 'United States') } ],
    [ '2001:db8::/32', { country => country('JP', 'Japan') } ],
    # Traps: data a reader must never return. Private ranges are not looked up at all, and the
    # legacy forms glibc's getaddrinfo accepts would land here: "8.8.8" → 8.8.0.8 and octal
    # "06.237.252.245" → 6.237.252.245.
    [ '10.0.0.0/8',     { country => country('ZZ', 'Private Trap') } ],
    [ 'fc00::/7',       { country => country('ZZ', 'Private Trap') } ],
    [ '8.8.0.0/24',     { country => country('ZZ', 'Legacy Form Trap') } ],
    [ '6.237.252.0/24', { country => country('ZZ', 'Legacy Form Trap') } ],
);

write_db(
    file        => 'GeoLite2-City.mmdb',
    type        => 'GeoLite2-City',
    record_size => 24,
    networks    => [
        filler(sub { +{ country => country('DE', 'Germany'), city => { names => { en => "City $_[0]" } } } }),
        [ '198.51.100.0/24', { country => country('NL', 'Netherlands') } ],    # no city
        [ '203.0.113.0/24', {
            continent => { code => 'SA' },
            country   => country('BR', 'Brazil'),
            city      => { names => { en => 'Recife' } },
        } ],
        [ '192.0.2.0/24', {
            country => { iso_code => 'SE', names => { en => 'Sweden', de => 'Schweden' } },
            city    => { names => { en => 'Linköping', de => 'Linköping' } },
        } ],
        [ '2001:db8::/32', { country => country('JP', 'Japan'), city => { names => { en => 'Tokyo' } } } ],
    ],
);

write_db(file => 'GeoLite2-Country.mmdb', type => 'GeoLite2-Country', record_size => 28,
    networks => \@country_networks);

for my $size (24, 28, 32) {
    write_db(file => "country-rs$size.mmdb", type => 'GeoLite2-Country', record_size => $size,
        networks => \@country_networks);
}

write_db(
    file        => 'GeoLite2-ASN.mmdb',
    type        => 'GeoLite2-ASN',
    record_size => 32,
    networks    => [
        filler(sub { +{ autonomous_system_number => 65000 + $_[0],
                       autonomous_system_organization => "Filler $_[0]" } }),
        [ '203.0.113.0/24', { autonomous_system_number => 64500,
                              autonomous_system_organization => 'Example Hosting' } ],
        [ '198.51.100.0/24', { autonomous_system_number => 64501 } ],    # no organisation
        [ '2001:db8::/32', { autonomous_system_number => 64502,
                             autonomous_system_organization => 'Example IPv6 Net' } ],
    ],
);

write_db(
    file       => 'ipv4-only.mmdb',
    type       => 'GeoLite2-Country',
    ip_version => 4,
    alias      => 0,
    networks   => [ grep { $_->[0] !~ /:/ } @country_networks ],
);

write_db(file => 'no-alias.mmdb', type => 'GeoLite2-Country', alias => 0,
    networks => \@country_networks);

write_db(
    file     => 'flat-country.mmdb',
    type     => 'ip-location-db-country',
    networks => [
        filler(sub { +{ country_code => 'DE' } }),
        [ '198.51.100.0/24', { country_code => 'NL' } ],
        [ '203.0.113.0/24',  { country_code => 'BR' } ],
        [ '2001:db8::/32',   { country_code => 'JP' } ],
    ],
);

write_db(
    file     => 'flat-city.mmdb',
    type     => 'ip-location-db-city',
    types    => \%flat_type_of,
    networks => [
        [ '203.0.113.0/24', { country_code => 'BR', state1 => 'Pernambuco', city => 'Recife',
                              latitude => -8.05, longitude => -34.9 } ],
        [ '192.0.2.0/24', { country_code => 'SE', city => 'Linköping' } ],
        [ '2001:db8::/32', { country_code => 'JP', city => 'Tokyo' } ],
    ],
);

write_db(
    file     => 'anonymous-ip.mmdb',
    type     => 'GeoIP2-Anonymous-IP',
    networks => [ [ '203.0.113.0/24', { is_anonymous => 1 } ] ],
);

# Broken files.
{
    my $source = "$dir/GeoLite2-Country.mmdb";
    open my $in, '<:raw', $source or die "$source: $!\n";
    local $/;
    my $bytes = <$in>;
    close $in;
    open my $out, '>:raw', "$dir/corrupt.mmdb" or die "$dir/corrupt.mmdb: $!\n";
    print {$out} substr($bytes, 0, int(length($bytes) / 2));
    close $out or die "$dir/corrupt.mmdb: $!\n";
}
{
    open my $out, '>', "$dir/not-an-mmdb.mmdb" or die "$dir/not-an-mmdb.mmdb: $!\n";
    print {$out} "this is not a MaxMind database\n" x 20;
    close $out or die "$dir/not-an-mmdb.mmdb: $!\n";
}
{
    open my $out, '>', "$dir/empty.mmdb" or die "$dir/empty.mmdb: $!\n";
    close $out or die "$dir/empty.mmdb: $!\n";
}
