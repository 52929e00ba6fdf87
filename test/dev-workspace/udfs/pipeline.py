import fused


@fused.udf
def overture_buildings(bbox: fused.types.Bbox = None, resolution: int = 9):
    import geopandas as gpd

    return gpd.GeoDataFrame()


tiles = fused.run("sentinel_tile")
addresses = fused.run("flaky_geocoder", address="1600 Pennsylvania Ave")
